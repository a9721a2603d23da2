<?php

declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php';

use Acme\TextTable\Table;
use App\Inventory;

// zip (a system package the program runs) makes the archive; the ziplist extension (built from
// ext/ziplist against libzip at build time) reads it back.
$archive = sys_get_temp_dir() . '/split-php-stock.zip';
@unlink($archive);
exec('cd ' . escapeshellarg(__DIR__ . '/data') . ' && zip -q -X ' . escapeshellarg($archive) . ' notes.txt stock.csv 2>&1', $output, $status);
if ($status !== 0) {
    fwrite(STDERR, "zip failed ($status): " . implode("\n", $output) . "\n");
    exit(1);
}

$table = new Table(['entry', 'bytes']);
foreach (ziplist_entries($archive) as $name => $size) {
    $table->addRow([$name, (string) $size]);
}
unlink($archive);

echo 'split-php: the archive zip made, read by ziplist ', phpversion('ziplist'), PHP_EOL;
echo $table->render();
echo Inventory::fromCsv(__DIR__ . '/data/stock.csv')->summary(), PHP_EOL;
echo 'dev dependencies: ', class_exists(\Acme\DevDumper\Dumper::class) ? 'installed' : 'absent', PHP_EOL;
