# `checks.<system>.unit-tests`: the unit tests that sit beside the code
# (core/, cli/, reconciler/, agent/, irisd/, status/), run with the package's own
# node_modules. End-to-end tests in test/ start real git, Nix, etcd and
# ZooKeeper and run in .ci/run and the NixOS VM tests instead: the Nix build
# sandbox has no network and no Nix daemon.
{ ogygia, git }:
ogygia.overrideAttrs (old: {
  pname = "ogygia-unit-tests";
  doCheck = true;
  nativeCheckInputs = (old.nativeCheckInputs or [ ]) ++ [ git ];
  checkPhase = ''
    runHook preCheck
    export HOME=$TMPDIR
    dirs=""
    for d in core cli reconciler agent irisd status; do
      if [ -d "$d" ]; then dirs="$dirs $d/"; fi
    done
    npx vitest run --passWithNoTests $dirs
    runHook postCheck
  '';
  installPhase = ''
    runHook preInstall
    touch $out
    runHook postInstall
  '';
  dontFixup = true;
})
