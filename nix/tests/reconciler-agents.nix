# NixOS VM test: a reconciler (with etcd) and two agents.
#   1. publish release A (each agent's "A" specialisation): both apply it,
#      report in-sync, and publish their revision to etcd for `ogygia status`;
#   2. publish broken release C (its health check fails): both roll back to A
#      and the reconciler shows them as rolled-back.
# The keys under ./keys are test-only.
{ lib, ... }:
let
  opsPublic = lib.fileContents ./keys/ops-test-1.public;
  revA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  revC = "cccccccccccccccccccccccccccccccccccccccc";
  reportToken = "test-only-report-token";

  agent =
    { config, pkgs, ... }:
    {
      virtualisation.writableStore = true;
      virtualisation.memorySize = 1536;
      environment.systemPackages = [ pkgs.curl ];
      environment.etc."ogygia-test/report-token".text = reportToken;
      # What the health command reads; release C breaks it.
      environment.etc."ogygia-test/health".text = lib.mkDefault "healthy";
      system.configurationRevision = lib.mkDefault "0000000000000000000000000000000000000000";

      ogygia.enable = true;
      ogygia.etcd.endpoints = [ "http://reconciler:2379" ];
      ogygia.agent = {
        enable = true;
        reportTokenFile = "/etc/ogygia-test/report-token";
        settings = {
          host = config.networking.hostName;
          channel = "prod";
          source = "http://reconciler:35740";
          poll_interval_seconds = 2;
          trust.keys = [ opsPublic ];
          health.command = "grep -qx healthy /etc/ogygia-test/health";
          health.timeout_seconds = 30;
        };
      };

      specialisation.A.configuration.system.configurationRevision = revA;
      specialisation.C.configuration = {
        system.configurationRevision = revC;
        environment.etc."ogygia-test/health".text = "broken";
      };
    };
in
{
  name = "ogygia-reconciler-agents";

  nodes = {
    reconciler =
      { pkgs, ... }:
      {
        virtualisation.memorySize = 1536;
        environment.systemPackages = [
          pkgs.git
          pkgs.curl
        ];
        environment.etc."ogygia-test/ops-test-1.secret".source = ./keys/ops-test-1.secret;
        environment.etc."ogygia-test/report-token".text = reportToken;

        services.etcd = {
          enable = true;
          listenClientUrls = [ "http://0.0.0.0:2379" ];
          advertiseClientUrls = [ "http://reconciler:2379" ];
        };
        networking.firewall.allowedTCPPorts = [ 2379 ];

        # The channels repository the reconciler watches (a local bare repo).
        systemd.services.channels-repo = {
          wantedBy = [ "multi-user.target" ];
          before = [ "ogygia-reconciler.service" ];
          requiredBy = [ "ogygia-reconciler.service" ];
          path = [ pkgs.git ];
          serviceConfig.Type = "oneshot";
          serviceConfig.RemainAfterExit = true;
          script = ''
            [ -d /srv/git/channels.git ] || git init --bare -b main /srv/git/channels.git
            chmod -R a+rX /srv/git
          '';
        };

        ogygia.enable = true;
        ogygia.etcd.endpoints = [ "http://127.0.0.1:2379" ];
        ogygia.reconciler = {
          enable = true;
          openFirewall = true;
          reportTokenFiles = [ "/etc/ogygia-test/report-token" ];
          settings = {
            source = "/srv/git/channels.git";
            listen = "0.0.0.0:35740";
            poll_interval_seconds = 2;
            trust.keys = [ opsPublic ];
          };
        };
      };
    agent1 = agent;
    agent2 = agent;
  };

  testScript = ''
    def system_of(machine, name):
        return machine.succeed(f"readlink -f /run/current-system/specialisation/{name}").strip()

    def current(machine):
        return machine.succeed("readlink -f /run/current-system").strip()

    def publish(paths, revision):
        targets = " ".join(f"--target {h}={p}" for h, p in paths.items())
        reconciler.succeed(
            "cd /root/channels && "
            "ogygia publish --repo /root/channels --channel prod "
            f"--key /etc/ogygia-test/ops-test-1.secret {targets} --source-revision {revision} && "
            "git push origin HEAD:main"
        )

    def hosts_in_state(state, n):
        reconciler.wait_until_succeeds(
            f"test $(curl -sf http://127.0.0.1:35740/v1/hosts | grep -o '\"{state}\"' | wc -l) -ge {n}",
            timeout=300,
        )

    start_all()
    reconciler.wait_for_unit("etcd.service")
    reconciler.wait_for_unit("ogygia-reconciler.service")
    reconciler.wait_for_open_port(35740)
    agents = [agent1, agent2]
    for m in agents:
        m.wait_for_unit("ogygia-agent.service")

    a = {m.name: system_of(m, "A") for m in agents}
    c = {m.name: system_of(m, "C") for m in agents}

    reconciler.succeed(
        "git config --global user.name ogygia-test && git config --global user.email test@ogygia.invalid && "
        "git config --global init.defaultBranch main && "
        "git clone /srv/git/channels.git /root/channels"
    )

    with subtest("the generated configs name the credentials, not the secrets"):
        reconciler.succeed("systemctl cat ogygia-reconciler | grep -q 'LoadCredential=report-token-0:/etc/ogygia-test/report-token'")
        reconciler.fail("grep -r ${reportToken} $(systemctl cat ogygia-reconciler | grep -o '/nix/store/[^ ]*-ogygia-reconciler.toml')")

    with subtest("publish A: both agents apply it"):
        publish(a, "${revA}")
        for m in agents:
            m.wait_until_succeeds(f"test \"$(readlink -f /run/current-system)\" = {a[m.name]}", timeout=600)
            m.succeed("test \"$(head -c 12 /run/current-system/sw/share/ogygia/build-revision)\" = ${builtins.substring 0 12 revA}")
            m.succeed("systemctl is-active ogygia-agent.service")
            # switch-to-configuration never stopped or restarted the agent.
            m.fail("journalctl -u ogygia-agent.service -o cat | grep -q '^Stopping '")
        hosts_in_state("in-sync", 2)
        agent1.wait_until_succeeds("ogygia status | grep agent2 | grep -q ${builtins.substring 0 12 revA}", timeout=120)

    with subtest("publish broken C: health fails, both roll back to A"):
        publish(c, "${revC}")
        hosts_in_state("rolled-back", 2)
        for m in agents:
            m.wait_until_succeeds(f"test \"$(readlink -f /run/current-system)\" = {a[m.name]}", timeout=300)
            m.succeed(f"test \"$(readlink -f /nix/var/nix/profiles/system)\" = {a[m.name]}")
            m.succeed("test \"$(head -c 12 /run/current-system/sw/share/ogygia/build-revision)\" = ${builtins.substring 0 12 revA}")
            m.succeed("systemctl is-active ogygia-agent.service")
  '';
}
