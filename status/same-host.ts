/**
 * Pure: whether a name from the fleet store is this host. Case-insensitive,
 * and a short name matches its fully qualified form (`web01` is
 * `web01.dc1.example.com`), since hosts publish whichever name they detect.
 */
export function sameHost(a: string, b: string): boolean {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (x === y) return true;
  const shortX = x.split('.')[0] ?? x;
  const shortY = y.split('.')[0] ?? y;
  return (shortX === y && !y.includes('.')) || (shortY === x && !x.includes('.'));
}
