# nixosModules.default: every Ogygia module. Each part is also importable on
# its own (nixosModules.{ogygia,report,agent,reconciler,irisd}); each imports
# the base module, and the module system imports a file only once.
{
  imports = [
    ./ogygia
    ./report
    ./agent
    ./reconciler
    ./irisd
  ];
}
