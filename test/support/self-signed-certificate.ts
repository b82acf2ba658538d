import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A throwaway self-signed certificate and its key, written by openssl into `dir`; their paths. */
export function selfSignedCertificate(
  dir: string,
  subject: string,
  altName?: string,
): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert];
  args.push('-days', '1', '-subj', `/CN=${subject}`);
  if (altName) args.push('-addext', `subjectAltName=${altName}`);
  execFileSync('openssl', args, { stdio: 'ignore' });
  return { key, cert };
}
