"""Reports on the catalog made at build time: click for the command line, jq for the queries."""

import subprocess

import click


def jq(query: str, path: str) -> str:
    return subprocess.run(["jq", "-r", query, path], capture_output=True, text=True, check=True).stdout.strip()


@click.command()
@click.option("--catalog", default="catalog.json", show_default=True)
def main(catalog: str) -> None:
    click.echo(f"inventory (click {click.__version__})")
    count, stock = jq(".items | length", catalog), jq("[.items[].stock] | add", catalog)
    click.echo(f"{count} items, total stock {stock}")
    most = jq('.items | max_by(.stock) | "\\(.name) (\\(.stock))"', catalog)
    value = jq("[.items[] | .stock * .price] | add", catalog)
    click.echo(f"most stocked: {most}")
    click.echo(f"stock value: {value}")


if __name__ == "__main__":
    main()
