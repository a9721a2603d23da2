<?php

declare(strict_types=1);

namespace App;

final class Greeter
{
    /** @param list<string> $words */
    public function describe(array $words): string
    {
        sort($words);
        $longest = array_reduce($words, fn (string $best, string $w): string => mb_strlen($w) > mb_strlen($best) ? $w : $best, '');

        return sprintf("%d words, longest %s", count($words), mb_strtoupper($longest));
    }
}
