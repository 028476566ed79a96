{ lib, ... }:
let
  inherit (lib) mkOption mkEnableOption types;
in
{
  options.ogygia.report = {
    enable = mkEnableOption ''
      `ogygia report` at boot and after each activation: publish this host's
      current, booted and next-boot revisions to the etcd or ZooKeeper set in
      `ogygia.etcd` / `ogygia.zookeeper` (for hosts that do not run the agent)
    '';
    interval = mkOption {
      type = types.nullOr types.str;
      default = "hourly";
      example = "*:0/15";
      description = ''
        Also publish on this systemd calendar schedule (`OnCalendar=`), so a
        store that was down at boot catches up. `null` publishes only at boot
        and after activation.
      '';
    };
  };
}
