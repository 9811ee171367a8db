"""``ceasefire-sim completion bash|zsh``: a completion script generated from the parser
(shtab), that completes every sub-command and option, and stays import-light (issue 19)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("shtab")


def _complete(script: str, words: list[str], tmp_path: Path) -> list[str]:
    """What bash offers after ``words`` (the last one being completed), via the script's function."""
    f = tmp_path / "complete.bash"
    f.write_text(script, encoding="utf-8")
    line = " ".join(words)
    probe = (f"source {f}\nCOMP_WORDS=({line})\nCOMP_CWORD={len(words) - 1}\nCOMP_LINE='{line}'\n"
             f"COMP_POINT=${{#COMP_LINE}}\n_shtab_ceasefire_sim\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n")
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_script_completes_commands_and_options(cli, tmp_path):
    code, script, err = cli("completion", "bash")
    assert code == 0, err
    assert subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True).returncode == 0
    names = [c.replace("_", "-") for c in COMMANDS]
    assert sorted(_complete(script, ["ceasefire-sim", ""], tmp_path)) == sorted(names)
    assert set(_complete(script, ["ceasefire-sim", "sw"], tmp_path)) == {"sweep", "sweep-analyze"}
    options = _complete(script, ["ceasefire-sim", "run", "--"], tmp_path)
    assert {"--max-memory", "--chunk-size", "--no-trajectories", "--replications", "--quiet"} <= set(options)
    (tmp_path / "freeze.yaml").write_text("name: x\n")
    assert "freeze.yaml" in _complete(script, ["ceasefire-sim", "run", "fr"], tmp_path)   # a file name


def test_zsh_script(cli):
    code, script, err = cli("completion", "zsh")
    assert code == 0, err
    assert script.startswith("#compdef ceasefire-sim")
    for name in ("sweep-analyze", "why", "--max-memory", "--heatmap-outcome"):
        assert name in script
    if shutil.which("zsh"):
        assert subprocess.run(["zsh", "-n"], input=script, text=True, capture_output=True).returncode == 0


def test_unknown_shell_and_missing_shtab_exit_2(cli, monkeypatch):
    code, _, err = cli("completion", "fish")
    assert code == 2 and "invalid choice: 'fish'" in err
    import builtins

    real = builtins.__import__

    def no_shtab(name, *args, **kwargs):
        if name == "shtab":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_shtab)
    code, _, err = cli("completion", "bash")
    assert code == 2 and "pip install 'ceasefire-sim[completion]'" in err


def test_generating_it_loads_no_model_or_figures():
    probe = ("import contextlib, io, json, sys\nfrom sim.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['completion', 'bash']) == 0\n"
             "print(json.dumps(sorted(m for m in ('mesa', 'matplotlib', 'pandas', 'scipy') if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
