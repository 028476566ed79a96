# Runs `ogygia report` (reads the generated config.toml) at boot, on a timer,
# and after each activation. The activation snippet records the new system
# path and starts the unit without blocking; the unit first waits until
# /run/current-system points at that system (the activate script links it
# after the snippets), so it never publishes the old revision.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.ogygia.report;
  olib = import ../lib.nix { inherit lib pkgs; };
  expectedFile = "/run/ogygia/report-expected-system";
  unit = "ogygia-report";

  # With fleet store credentials the unit gets them by LoadCredential and
  # reads its own copy of config.toml that names those paths (config.toml
  # itself names the files, for `ogygia status`). Without, it reads the
  # current system's config.toml, as before.
  credentials = import ../ogygia/credentials.nix { base = config.ogygia; };
  reportConfig = olib.checkedConfig {
    name = "ogygia-report.toml";
    package = config.ogygia.package;
    command = [ "status" ];
    settings = import ../ogygia/settings.nix {
      inherit lib;
      cfg = config.ogygia;
      credentialFile = name: _: olib.credentialPath unit name;
    };
  };

  waitForActivation = pkgs.writeShellScript "ogygia-report-wait" ''
    want="$(${pkgs.coreutils}/bin/cat ${expectedFile} 2>/dev/null || true)"
    [ -n "$want" ] || exit 0
    for _ in $(${pkgs.coreutils}/bin/seq 1 120); do
      if [ "$(${pkgs.coreutils}/bin/readlink -f /run/current-system)" = "$want" ]; then exit 0; fi
      ${pkgs.coreutils}/bin/sleep 1
    done
    echo "report: /run/current-system is not $want after 120 s; publishing what is there" >&2
  '';
in
{
  config = lib.mkIf (config.ogygia.enable && cfg.enable) {
    assertions = [
      {
        assertion = config.ogygia.etcd.endpoints != [ ] || config.ogygia.zookeeper.enable;
        message = "ogygia.report.enable needs somewhere to publish: set ogygia.etcd.endpoints or enable ogygia.zookeeper.";
      }
    ];

    systemd.services.${unit} = {
      description = "Ogygia: publish this host's NixOS revisions to the fleet store";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      startAt = lib.optional (cfg.interval != null) cfg.interval;
      environment.OGYGIA_CONFIG =
        if credentials == [ ] then "/run/current-system/sw/share/ogygia/config.toml" else "${reportConfig}";
      serviceConfig = olib.hardening // {
        Type = "oneshot";
        ExecStartPre = "${waitForActivation}";
        ExecStart = "${lib.getExe config.ogygia.package} report";
        # `ogygia report` reads /run/current-system, /run/booted-system and
        # the system profile, and the host name: all readable as any user.
        ProtectHostname = false;
        PrivateUsers = false;
        TimeoutStartSec = "5min";
        LoadCredential = credentials;
      };
    };

    # The config the unit reads when it has credentials, like the other
    # parts' system.build.ogygia*Config.
    system.build = lib.optionalAttrs (credentials != [ ]) { ogygiaReportConfig = reportConfig; };

    system.activationScripts.ogygia-report = {
      supportsDryActivation = false;
      text = ''
        if [ -d /run/systemd/system ]; then
          mkdir -p /run/ogygia
          printf '%s' "$(readlink -f "$systemConfig")" > ${expectedFile}
          ${config.systemd.package}/bin/systemctl start --no-block ogygia-report.service || true
        fi
      '';
    };
  };
}
