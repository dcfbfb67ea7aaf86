/**
 * The soak's exec credential plugin (the kubeconfig's `users[].user.exec`): prints the token the
 * file named by its argument holds now, as kubelogin prints a fresh one. No expiry is given, so
 * client-node keeps it until a 401 makes the connection run the plugin again.
 */
import * as fs from 'node:fs';

const token = fs.readFileSync(process.argv[2], 'utf8').trim();
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } }));
