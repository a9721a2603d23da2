"""What a run does to one Dockerfile: the passes, the Context and whether only safe changes are
made, from the options given and the configuration in force for the file.

The command line (``cli._context_for``) and the language server (``lsp``) both call
``settings_for``, so a file is refactored the same way by either: the same configuration file
(the closest one above the file, ``--config FILE`` or none with ``--isolated``), the same passes
(options override ``select``/``skip``), the same build context (``--context``, else the
configuration's ``[contexts]``, else found by the passes) and the same ``safe-only``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .config import Config, for_path
from .passes import Context, Pass, select
from .passes.base import Offer


@dataclass(frozen=True)
class Settings:
    """How one file is refactored."""

    context: Context
    passes: tuple[Pass, ...]
    #: Only the changes of class safe (``--safe-only`` or ``safe-only = true``).
    safe_only: bool
    #: The configuration it came from.
    config: Config

    @property
    def only(self) -> Callable[[Offer], bool] | None:
        """The engine's ``only`` for a whole run with these settings (None: every change)."""
        return _safe if self.safe_only else None


def _safe(offer: Offer) -> bool:
    return offer.safety == "safe"


def settings_for(
    display: str,
    path: Path | None,
    *,
    select_passes: tuple[str, ...] | None = None,
    skip_passes: tuple[str, ...] | None = None,
    safe_only: bool = False,
    cache_mounts: bool = False,
    build_context: str | None = None,
    config_file: str | None = None,
    isolated: bool = False,
) -> Settings:
    """The settings for the Dockerfile ``path`` (None: standard input or an unsaved buffer
    without a file), shown as ``display``. The keyword arguments are the command line's options
    (None or False: not given, the configuration decides). Raises ConfigError for a
    configuration file that cannot be read or says something unknown."""
    config = Config(None, Path.cwd()) if path is None and config_file is None else for_path(
        path if path is not None else Path.cwd(), Path(config_file) if config_file else None, isolated
    )
    chosen = select_passes if select_passes is not None else config.select
    skip = skip_passes if skip_passes is not None else config.skip
    passes = select(chosen, skip or ())
    context = Context(
        path=display,
        cache_mounts=cache_mounts or config.cache_mounts,
        build_context=build_context or (config.context_for(path) if path is not None else None),
        runtime_images=config.runtime_images,
    )
    return Settings(context, passes, safe_only or config.safe_only, config)


def forget_files() -> None:
    """Forget what this process has read from disk (configuration files, build contexts, the
    repository's target uses), so that a long-running process (the language server) sees files
    changed since. A command-line run never needs it: each run is a new process."""
    from . import config, context, targets
    from .passes import order_copies

    config._find.cache_clear()
    context.clear_caches()
    targets.scan_root.cache_clear()
    order_copies._resolved.cache_clear()
