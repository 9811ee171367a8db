"""The docs stay true to the code."""

from sim.scenario.docgen import parameters_markdown


def test_parameters_md_is_generated_from_the_data(root):
    committed = (root / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == parameters_markdown(), "run `make docs` to regenerate docs/parameters.md"


def test_readme_names_the_two_commands_and_ci_calls_test(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (root / ".ci" / "run").read_text()


def test_sources_md_is_generated_from_the_bibliography(root):
    from sim.scenario.docgen import sources_markdown

    committed = (root / "docs" / "sources.md").read_text(encoding="utf-8")
    assert committed == sources_markdown(), "run `make docs` to regenerate docs/sources.md"
