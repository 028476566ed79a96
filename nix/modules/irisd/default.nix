# `ogygia.irisd`: a peer-to-peer Nix binary cache.
{
  imports = [
    ../ogygia
    ./options.nix
    ./config.nix
  ];
}
