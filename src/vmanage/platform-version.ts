/**
 * True when a vManage version string (`20.12.1`, `20.9.3.1`, `20.18.1-li`) is at least major.minor.
 * An unreadable version counts as recent: Isthmus targets current releases.
 */
export function isVersionAtLeast(version: string, major: number, minor: number): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return true;
  const actualMajor = Number(match[1]);
  const actualMinor = Number(match[2]);
  return actualMajor > major || (actualMajor === major && actualMinor >= minor);
}
