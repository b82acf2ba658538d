/** The file name URL weights are saved under: the URL's last path segment, or `weights` when it has none. */
export function weightsFileName(url: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return /^[A-Za-z0-9._-]+$/.test(last) && last !== '.' && last !== '..' ? last : 'weights';
}
