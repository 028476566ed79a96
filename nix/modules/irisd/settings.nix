# Pure: irisd options -> irisd.toml attrset, plus the URL the local Nix daemon
# uses. The Nebula address joins server.listen on the port of the first
# listen address (35742 when none).
{
  lib,
  credentialPath,
  cfg,
  nebulaIpv4,
}:
let
  listen = cfg.settings.server.listen;
  portOf = addr: lib.last (lib.splitString ":" addr);
  port = if listen == [ ] then "35742" else portOf (lib.head listen);
  hostOf = addr: lib.removeSuffix ":${portOf addr}" addr;
  finalListen = lib.unique (listen ++ lib.optional (nebulaIpv4 != null) "${nebulaIpv4}:${port}");

  # The local daemon reaches irisd on loopback when irisd listens there (or
  # on a wildcard), else on the first address.
  loopbackish = [
    "127.0.0.1"
    "0.0.0.0"
    "[::]"
    "[::1]"
    "localhost"
  ];
  local = lib.findFirst (a: lib.elem (hostOf a) loopbackish) null finalListen;
  localHost =
    if local == null then
      hostOf (lib.head finalListen)
    else if lib.elem (hostOf local) [ "[::]" "[::1]" ] then
      "[::1]"
    else
      "127.0.0.1";
  localPort = if local == null then portOf (lib.head finalListen) else portOf local;
in
{
  settings = lib.recursiveUpdate cfg.settings (
    {
      server.listen = finalListen;
    }
    // lib.optionalAttrs (cfg.signingKeyFile != null) {
      signing.key_file = credentialPath "ogygia-irisd" "sign-key";
    }
  );
  substituterUrl = "http://${localHost}:${localPort}";
  ports = lib.unique (map (a: lib.toInt (portOf a)) finalListen);
}
