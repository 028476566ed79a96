# `ogygia.reconciler`: mirror the channels repository, serve heads, collect reports.
{
  imports = [
    ../ogygia
    ./options.nix
    ./config.nix
  ];
}
