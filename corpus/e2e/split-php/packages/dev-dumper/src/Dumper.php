<?php

declare(strict_types=1);

namespace Acme\DevDumper;

final class Dumper
{
    public static function dump(mixed $value): void
    {
        fwrite(STDERR, var_export($value, true) . PHP_EOL);
    }
}
