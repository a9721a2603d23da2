<?php

declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php';

use App\Greeter;

$words = ['composer', 'order', 'copies', 'php'];
$sorted = $words;
sort($sorted);
echo 'php-composer: ', implode(',', $sorted), PHP_EOL;
echo (new Greeter())->describe($words), ', ', mb_strtoupper('straße'), PHP_EOL;
