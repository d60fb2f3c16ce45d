/** A device's system IP: dotted IPv4 that identifies an SD-WAN device, not in 0/8, 127/8, 224/4 or 240/4. */
export type SystemIp = string;

const dottedQuad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isValidSystemIp(value: string): value is SystemIp {
  const match = dottedQuad.exec(value);
  if (!match) return false;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return false;
  const [first = 0] = octets;
  return first !== 0 && first !== 127 && first < 224;
}
