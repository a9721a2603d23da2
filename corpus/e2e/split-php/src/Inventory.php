<?php

declare(strict_types=1);

namespace App;

final class Inventory
{
    /** @param array<string, int> $stock sku => quantity */
    private function __construct(private readonly array $stock)
    {
    }

    public static function fromCsv(string $path): self
    {
        $handle = fopen($path, 'r');
        if ($handle === false) {
            throw new \RuntimeException("cannot read $path");
        }
        $header = fgetcsv($handle);
        $stock = [];
        while (($row = fgetcsv($handle)) !== false) {
            if ($row === [null]) {
                continue;
            }
            $record = array_combine($header, $row);
            $stock[$record['sku']] = (int) $record['quantity'];
        }
        fclose($handle);
        ksort($stock);

        return new self($stock);
    }

    public function summary(): string
    {
        $low = array_keys(array_filter($this->stock, fn (int $quantity): bool => $quantity < 10));

        return sprintf('%d items, %d units; low stock: %s', count($this->stock), array_sum($this->stock), implode(', ', $low));
    }
}
