# `ogygia.report`: publish this host's revisions for hosts without an agent.
{
  imports = [
    ../ogygia
    ./options.nix
    ./config.nix
  ];
}
