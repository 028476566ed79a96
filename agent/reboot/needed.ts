/**
 * Pure: does a new system need a reboot to take effect (DESIGN.md §13)? A
 * NixOS system links its `kernel`, `initrd` and `kernel-modules`; when any of
 * them resolves to another store path than the booted system's, switching
 * changed only userland and the machine still runs the old kernel.
 */

/** The links of a NixOS system that only a reboot brings into use, in the order reasons are given. */
export const BOOT_FILES = ['kernel', 'initrd', 'kernel-modules'] as const;
export type BootFile = (typeof BOOT_FILES)[number];

/** Where each boot link of one system resolves; null when the system has no such link. */
export type BootSet = Readonly<Record<BootFile, string | null>>;

/**
 * The boot links that differ between the booted system and the new one, in
 * BOOT_FILES order; empty when no reboot is needed. Without a booted system
 * (`undefined`: no /run/booted-system) or one with no boot link at all (a
 * container: no bootloader started it) nothing can be compared and nothing
 * is required.
 */
export function rebootReasons(booted: BootSet | undefined, next: BootSet): BootFile[] {
  if (booted === undefined || BOOT_FILES.every((f) => booted[f] === null)) return [];
  return BOOT_FILES.filter((f) => booted[f] !== next[f]);
}
