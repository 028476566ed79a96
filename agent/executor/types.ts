/** The only side effects on the system an apply needs; tests may swap in their own. */
export interface Executor {
  /**
   * The store path the system profile points to now, or null when there is no profile yet.
   * Throws ProfileError when a profile is there but cannot be followed to a store path.
   */
  profileTarget(): Promise<string | null>;
  /** `nix copy --from <substituter> <storePath>`, trying each substituter in turn. */
  copy(storePath: string, substituters: readonly string[]): Promise<number>;
  /** `nix-env -p <profile> --set <storePath>`. */
  setProfile(storePath: string): Promise<number>;
  /** `<storePath>/bin/switch-to-configuration <action>` (through systemd-run when systemd runs the machine). */
  switchTo(storePath: string): Promise<number>;
}
