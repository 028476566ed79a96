# `ogygia.agent`: pull, verify, apply, health-check, roll back, report.
{
  imports = [
    ../ogygia
    ./options.nix
    ./config.nix
  ];
}
