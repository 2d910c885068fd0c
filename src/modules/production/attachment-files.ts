import { ValidationError } from '../../kernel/errors.js';

/**
 * What a work instruction may be: each type with how its content begins and the file name extensions that
 * go with it. The type is detected from the content; the declared type and the name's extension must agree
 * with it, so a renamed executable or script is refused, and SVG/HTML (which run script) are never accepted.
 */
const startsWith = (b: Buffer, bytes: number[]) => b.subarray(0, bytes.length).equals(Buffer.from(bytes));
const KINDS: { type: string; extensions: string[]; matches(b: Buffer): boolean }[] = [
  { type: 'application/pdf', extensions: ['pdf'], matches: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  {
    type: 'image/png',
    extensions: ['png'],
    matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { type: 'image/jpeg', extensions: ['jpg', 'jpeg'], matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { type: 'text/plain', extensions: ['txt', 'csv'], matches: isPlainText },
];
export const MEDIA_TYPES = KINDS.map((k) => k.type);

/** UTF-8 without NUL or control characters other than tab, newline, carriage return and form feed. */
function isPlainText(b: Buffer): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b) && !/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(b.toString('utf8'));
}

/**
 * Executables, scripts and active content: refused by name whatever the content, because the name is what
 * decides how a workstation opens a downloaded file.
 */
const ACTIVE = new Set(
  (
    'html htm xhtml shtml hta mht mhtml svg svgz xml xsl js mjs cjs jse vbs vbe wsf wsh ps1 psm1 psd1 bat cmd ' +
    'com exe scr pif dll cpl msi msp mst msc jar class sh bash zsh csh ksh command app apk deb rpm dmg pkg py ' +
    'pyw pl rb php phar lnk url inf reg scf iso img vhd vhdx docm xlsm pptm hlp chm gadget appx msix'
  ).split(' '),
);

const problem = (message: string) =>
  new ValidationError(`Invalid file name: ${message}.`, [{ path: '/filename', message }]);

const MAX_NAME_CHARACTERS = 120;
const MAX_NAME_BYTES = 255;

/**
 * The name a file is stored and served under: NFC, without the path a browser or a script may send
 * (`C:\fakepath\x.pdf`, `../../x.pdf`), trimmed; refused when it holds control or invisible formatting characters,
 * characters reserved on Windows, a trailing dot, or is too long.
 */
export function normaliseFileName(raw: string): string {
  const name = raw.normalize('NFC').split(/[\\/]/).at(-1)!.trim();
  if (name === '' || name === '.' || name === '..') throw problem('the name is empty once its path is removed');
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name)) throw problem('control or invisible formatting characters');
  if (/[<>:"|?*]/.test(name)) throw problem('the characters < > : " | ? * are not allowed');
  if (name.endsWith('.')) throw problem('the name ends with a dot');
  if ([...name].length > MAX_NAME_CHARACTERS || Buffer.byteLength(name) > MAX_NAME_BYTES)
    throw problem(`longer than ${MAX_NAME_CHARACTERS} characters`);
  return name;
}

/** Refuses what is not the declared type, and names whose extension does not match the content. */
export function checkContent(name: string, declared: string, content: Buffer): void {
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  if (extension !== undefined && ACTIVE.has(extension))
    throw problem(`.${extension} files (executables, scripts, active content) are not accepted`);
  const detected = content.length > 0 ? KINDS.find((k) => k.matches(content)) : undefined;
  if (!detected || detected.type !== declared)
    throw new ValidationError(`The file is not a valid ${declared}.`, [
      { path: '/content', message: `does not match ${declared}` },
    ]);
  if (extension === undefined || !detected.extensions.includes(extension))
    throw problem(`a ${declared} file must be named .${detected.extensions.join(' or .')}`);
}

/** RFC 6266: an ASCII name as is, others with an ASCII fallback and the UTF-8 name (RFC 8187). */
export function contentDisposition(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name)) return `attachment; filename="${name}"`;
  const fallback = name.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
