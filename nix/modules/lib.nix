# Helpers shared by the Ogygia NixOS modules.
{ lib, pkgs }:
rec {
  tomlFormat = pkgs.formats.toml { };

  # TOML has no null: an unset optional key (null) is left out of the file.
  dropNulls = lib.filterAttrsRecursive (_: v: v != null);

  # Secrets are named by path and reach units only through LoadCredential.
  # One assertion per secret option (`file`: a string, null, or a list of
  # strings): the files must be outside the Nix store, which every user can
  # read. The options are strings, never Nix paths, so a path literal (which
  # would copy the secret into the store) is refused by the option type.
  secretsOutsideStore = map (o: {
    assertion = lib.all (f: f == null || !lib.hasPrefix builtins.storeDir f) (lib.toList o.file);
    message = "${o.name} is in the Nix store, which every user can read; keep the secret outside it (e.g. /run/secrets/...) and name that path.";
  });

  # Where systemd puts a unit's LoadCredential files.
  credentialPath = unit: name: "/run/credentials/${unit}.service/${name}";

  # The port of a "host:port" / "[v6]:port" listen address.
  portOf = listen: lib.toInt (lib.last (lib.splitString ":" listen));

  # Render `settings` with pkgs.formats.toml and check it at build time with
  # `ogygia <command> --check-config FILE`, so a bad setting fails
  # `nixos-rebuild`, not the running service. `command` is a list of argv
  # words ("reconciler", or "status"). The check must not need the files the
  # config names (secrets, sources): they do not exist in the build sandbox.
  checkedConfig =
    {
      name,
      package,
      command,
      settings,
    }:
    let
      raw = tomlFormat.generate name (dropNulls settings);
      canRun = pkgs.stdenv.buildPlatform.canExecute pkgs.stdenv.hostPlatform;
    in
    if !canRun then
      raw
    else
      pkgs.runCommand name
        {
          nativeBuildInputs = [ package ];
          preferLocalBuild = true;
          passthru.unchecked = raw;
        }
        ''
          export HOME=$TMPDIR
          if ! ${lib.getExe package} ${lib.escapeShellArgs command} --check-config ${raw}; then
            echo "ogygia: the generated ${name} was refused (see above); fix the module settings that set those keys." >&2
            exit 1
          fi
          cp ${raw} $out
        '';

  # Hardening for a network daemon that needs no privileges (reconciler,
  # irisd). Node's JIT needs W+X pages, so MemoryDenyWriteExecute stays off.
  hardening = {
    DynamicUser = true;
    NoNewPrivileges = true;
    CapabilityBoundingSet = "";
    AmbientCapabilities = "";
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    PrivateUsers = true;
    DevicePolicy = "closed";
    ProtectClock = true;
    ProtectControlGroups = true;
    ProtectHostname = true;
    ProtectKernelLogs = true;
    ProtectKernelModules = true;
    ProtectKernelTunables = true;
    ProtectProc = "invisible";
    ProcSubset = "pid";
    RestrictAddressFamilies = [
      "AF_INET"
      "AF_INET6"
      "AF_UNIX"
    ];
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    RemoveIPC = true;
    LockPersonality = true;
    MemoryDenyWriteExecute = false;
    SystemCallArchitectures = "native";
    SystemCallFilter = [
      "@system-service"
      "~@privileged"
      "~@resources"
    ];
    UMask = "0077";
  };
}
