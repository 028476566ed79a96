# The base `ogygia` module: revision tracking and the `ogygia status` config.
{
  imports = [
    ./options.nix
    ./config.nix
  ];
}
