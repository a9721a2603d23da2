<?php

declare(strict_types=1);

namespace Acme\TextTable;

final class Table
{
    /** @var list<list<string>> */
    private array $rows = [];

    /** @param list<string> $headers */
    public function __construct(private readonly array $headers)
    {
    }

    /** @param list<string> $cells */
    public function addRow(array $cells): self
    {
        $this->rows[] = $cells;

        return $this;
    }

    public function render(): string
    {
        $widths = array_map('strlen', $this->headers);
        foreach ($this->rows as $row) {
            foreach ($row as $i => $cell) {
                $widths[$i] = max($widths[$i], strlen($cell));
            }
        }
        $line = fn (array $cells): string => '| ' . implode(' | ', array_map(fn (string $c, int $w): string => str_pad($c, $w), $cells, $widths)) . ' |';
        $rule = '+' . implode('+', array_map(fn (int $w): string => str_repeat('-', $w + 2), $widths)) . '+';
        $out = [$rule, $line($this->headers), $rule];
        foreach ($this->rows as $row) {
            $out[] = $line($row);
        }
        $out[] = $rule;

        return implode("\n", $out) . "\n";
    }
}
