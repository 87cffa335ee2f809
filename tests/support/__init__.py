"""Helpers shared by the tests and the benchmarks (bench/ imports them too).

- `sites`: the smallest valid site as a dict of files, `page()`, `write_files`, `snapshot`, `run_cli`.
- `forked`: run `feelagain.cli.main(argv)` in a forked copy of this interpreter (no process start-up cost).
- `sitebuild`: build the bundled site into a scratch folder and serve it with a strict CSP.
- `crash`: the crash-safety tests' shared parts (bench corpus, SIGKILL of a build's process group, manifests).
"""
