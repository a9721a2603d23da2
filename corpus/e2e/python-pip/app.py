"""Greets with click and reads the app's data with jq."""

import subprocess

import click


@click.command()
@click.option("--name", default="world")
def main(name: str) -> None:
    click.echo(f"hello from {name} (click {click.__version__})")
    version = subprocess.run(["jq", "-r", ".version", "data.json"], capture_output=True, text=True, check=True).stdout.strip()
    click.echo(f"data version {version}")


if __name__ == "__main__":
    main()
