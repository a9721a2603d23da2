"""``msb-refactor lsp`` in a real editor: headless Neovim (Debian's ``neovim``, 0.7) starts the
server, asks for the code actions of a Dockerfile, resolves one, applies its workspace edit and
writes the buffer; the file must then be what the engine writes when only that change is
applied (``refactor(text, only={change_id})`` with the file's configuration and context, as the
command line computes it).

Neovim 0.7 has neither ``vim.lsp.start`` nor ``vim.lsp.buf.code_action{apply=true}``: the
script uses ``vim.lsp.start_client``, ``buf_request_sync`` for ``textDocument/codeAction`` and
``codeAction/resolve``, and ``vim.lsp.util.apply_workspace_edit(edit, offset_encoding)``.

Skipped, saying why, when ``nvim`` is not installed (``apt-get install neovim``), unless
``MSB_REQUIRE_REALBUILD=1`` (as in CI), which makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.engine import refactor
from codemod.settings import settings_for

from e2e.harness import cannot_build

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
local out = os.getenv('MSB_NVIM_OUT')
local function finish(status)
  vim.fn.writefile({vim.fn.json_encode(status)}, out)
  vim.cmd('qall!')
end
local ok, err = pcall(function()
  local path = os.getenv('MSB_NVIM_FILE')
  local wanted = os.getenv('MSB_CHANGE_ID')
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'msb-refactor',
    cmd = {os.getenv('MSB_PYTHON'), '-m', 'codemod', 'lsp'},
    cmd_env = {PYTHONPATH = os.getenv('MSB_PYTHONPATH')},
    root_dir = vim.fn.fnamemodify(path, ':h'),
  })
  assert(client_id, 'the server did not start')
  vim.lsp.buf_attach_client(bufnr, client_id)
  assert(vim.wait(30000, function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized
  end, 20), 'the server did not initialize')
  assert(vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20), 'no diagnostics')
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(diagnostics, {lnum = d.lnum, end_lnum = d.end_lnum, col = d.col, end_col = d.end_col, message = d.message, source = d.source})
  end
  local last = vim.api.nvim_buf_line_count(bufnr)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = {start = {line = 0, character = 0}, ['end'] = {line = last, character = 0}},
    context = {diagnostics = {}},
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 30000)
  assert(responses and responses[client_id], 'no answer to textDocument/codeAction')
  assert(not responses[client_id].err, vim.inspect(responses[client_id].err))
  local chosen, titles = nil, {}
  for _, action in ipairs(responses[client_id].result or {}) do
    table.insert(titles, action.title)
    if action.data and action.data.what and action.data.what[2] == wanted then
      chosen = action
    end
  end
  assert(chosen, 'no action for ' .. wanted .. ' among ' .. vim.inspect(titles))
  assert(chosen.edit == nil, 'the edit should come from codeAction/resolve')
  local resolved = vim.lsp.buf_request_sync(bufnr, 'codeAction/resolve', chosen, 30000)
  assert(resolved and resolved[client_id] and resolved[client_id].result, 'no answer to codeAction/resolve')
  assert(not resolved[client_id].err, vim.inspect(resolved[client_id].err))
  local edit = resolved[client_id].result.edit
  assert(edit, 'the resolved action has no edit')
  local client = vim.lsp.get_client_by_id(client_id)
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
  vim.cmd('write')
  vim.lsp.stop_client(client_id)
  finish({ok = true, titles = titles, diagnostics = diagnostics, encoding = client.offset_encoding})
end)
if not ok then
  finish({ok = false, error = tostring(err)})
end
"""

UNICODE = (
    '# Ünïcödé: café, naïve, 東京, 🚀\n'
    'FROM python:3.12\n'
    'LABEL description="Café 東京 🚀 shop"\n'
    'WORKDIR /app\n'
    'RUN echo "🚀 東京 é" > /etc/motd && apt-get update\n'
    'RUN apt-get install -y --no-install-recommends curl && echo "ok 🚀 東京 é"\n'
    'COPY requirements.txt .\n'
    'RUN pip install -r requirements.txt\n'
    'COPY . .\n'
    'CMD ["python", "app.py", "--greeting=héllo 🚀 東京"]\n'
)


def _nvim() -> str:
    found = shutil.which("nvim")
    if found is None:
        cannot_build("nvim is not installed (apt-get install neovim)")
        raise AssertionError("unreachable")
    return found


@pytest.mark.parametrize(("case", "pick"), [
    ("node-app", "order-copies"),   # moves the manifests' COPY and the install: a multi-line edit
    ("flask", "joined"),            # merge-runs: two RUNs become one
    ("unicode", "joined"),          # the same, on lines with accents, CJK and emoji
    ("unicode", "split-stages"),    # a new stage appended after the last line
])
def test_neovim_applies_one_change(tmp_path: Path, case: str, pick: str) -> None:
    nvim = _nvim()
    folder = tmp_path / "project"
    if case == "node-app":
        shutil.copytree(ROOT / "examples" / "node-app", folder)
    elif case == "flask":
        shutil.copytree(ROOT / "corpus" / "python" / "flask", folder)
    else:
        folder.mkdir()
        (folder / "Dockerfile").write_text(UNICODE, encoding="utf-8")
    path = folder / "Dockerfile"
    text = path.read_text(encoding="utf-8")
    settings = settings_for(str(path), path)
    everything = refactor(text, passes=settings.passes, context=settings.context, only=settings.only)
    [change] = [c for c in everything.changes if c.pass_name == pick or c.explanation.startswith(pick)]
    expected = refactor(text, passes=settings.passes, context=settings.context, only={change.id}).text
    assert expected != text

    out = tmp_path / "status.json"
    script = tmp_path / "apply.lua"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ)
    env.update(
        MSB_NVIM_OUT=str(out), MSB_NVIM_FILE=str(path), MSB_CHANGE_ID=change.id, MSB_PYTHON=sys.executable,
        MSB_PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
        XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"luafile {script}"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert out.exists(), f"nvim exited {done.returncode} without a status: {done.stderr}"
    status = json.loads(out.read_text())
    assert status["ok"], status.get("error")
    assert status["encoding"] == "utf-16"
    assert any(d["source"] == "msb-refactor" and d["message"] == f"{change.explanation} [{change.safety}]" for d in status["diagnostics"])
    assert "msb-refactor: apply all changes (%d)" % len(everything.changes) in status["titles"]
    assert path.read_text(encoding="utf-8") == expected
