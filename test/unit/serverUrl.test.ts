import * as assert from 'node:assert/strict';
import { serverHost, serverWithoutCredentials } from '../../src/domain/serverUrl';

describe('serverUrl', () => {
  it('shows the API server without the user info a kubeconfig may put in its URL', () => {
    assert.equal(serverWithoutCredentials('https://admin:hunter2@aks-demo.hcp.westeurope.azmk8s.io:443/path?x=1'), 'https://aks-demo.hcp.westeurope.azmk8s.io:443/path?x=1');
    assert.equal(serverWithoutCredentials('https://token@10.0.0.1:6443'), 'https://10.0.0.1:6443');
    assert.equal(serverWithoutCredentials('https://us@er:pa@ss@host'), 'https://host', 'the last @ ends the user info');
    assert.equal(serverWithoutCredentials('https://host/a@b'), 'https://host/a@b', 'an @ in the path is not user info');
    assert.equal(serverWithoutCredentials('https://127.0.0.1:6443'), 'https://127.0.0.1:6443');
  });

  it('names the host without scheme, path or user info', () => {
    assert.equal(serverHost('https://admin:hunter2@127.0.0.1:6443/x'), '127.0.0.1:6443');
    assert.equal(serverHost('not a url'), 'not a url');
  });
});
