import * as assert from 'node:assert/strict';
import {
  describeExitCode, EXIT_CODE_SCAN_LIMIT, extensionExitCode, isBootstrapExtension, knownExitCodes, readExitCode,
} from '../../src/domain/bootstrapExitCodes';

const CSE_50 = 'Enable failed: failed to execute command: command terminated with exit status=50\n[stdout]\n'
  + '{ "ExitCode": "50", "Output": "Fri Dec  3 09:40:01 UTC 2026,aks-nodepool1-12345678-vmss000003\\nConnection to mcr.microsoft.com 443 port [tcp/https] failed", "Error": "", "ExecDuration": "140" }\n[stderr]\n';

describe('bootstrapExitCodes', () => {
  it('names the codes operators meet most', () => {
    const expected: Record<number, string> = {
      50: 'ERR_OUTBOUND_CONN_FAIL', 51: 'ERR_K8S_API_SERVER_CONN_FAIL', 52: 'ERR_K8S_API_SERVER_DNS_LOOKUP_FAIL',
      53: 'ERR_K8S_API_SERVER_AZURE_DNS_LOOKUP_FAIL', 34: 'ERR_KUBELET_START_FAIL', 35: 'ERR_CONTAINER_IMG_PULL_TIMEOUT',
      41: 'ERR_CNI_DOWNLOAD_TIMEOUT', 99: 'ERR_APT_UPDATE_TIMEOUT', 124: 'ERR_VHD_FILE_NOT_FOUND',
    };
    for (const [code, name] of Object.entries(expected)) {
      const d = describeExitCode(Number(code));
      assert.equal(d.known, true);
      assert.equal(d.name, name);
      assert.ok(d.meaning.length > 10 && d.nextStep.length > 10, code);
      assert.ok(d.label.startsWith(`${code} ${name}`), d.label);
    }
    assert.equal(describeExitCode(50).alias, 'OutboundConnFailVMExtensionError');
    assert.equal(describeExitCode(51).alias, 'K8SAPIServerConnFailVMExtensionError');
    assert.equal(describeExitCode(52).alias, 'K8SAPIServerDNSLookupFailVMExtensionError');
    assert.match(describeExitCode(50).label, /OutboundConnFailVMExtensionError/);
    assert.ok(knownExitCodes().includes(50));
  });

  it('shows an unknown number as such', () => {
    for (const n of [7, 0, 255, 1000, -1, 1.5, Number.NaN]) {
      const d = describeExitCode(n);
      assert.equal(d.known, false);
      assert.equal(d.name, '');
      assert.match(d.label, /not a known bootstrap code/);
    }
    assert.match(describeExitCode(7).label, /^exit code 7 /);
    assert.match(describeExitCode(Number.NaN).label, /\?/);
  });

  it('reads the exit status and the stdout JSON', () => {
    assert.equal(readExitCode(CSE_50), 50);
    assert.equal(readExitCode('command terminated with exit status=51'), 51);
    assert.equal(readExitCode('Exit Status = 52.'), 52);
    assert.equal(readExitCode('[stdout]\n{ "ExitCode": "124", "Output": "" }'), 124);
    assert.equal(readExitCode('{"ExitCode":35}'), 35);
    assert.equal(readExitCode('{\\"ExitCode\\": \\"41\\"}'), 41);
    assert.equal(readExitCode('Provisioning succeeded'), undefined);
    assert.equal(readExitCode(''), undefined);
    assert.equal(readExitCode('exit status=1234'), undefined);
    assert.equal(readExitCode('exit status=999'), undefined);
    assert.equal(readExitCode('"ExitCode": "abc"'), undefined);
    assert.equal(readExitCode(undefined as unknown as string), undefined);
  });

  it('caps its work on huge messages', () => {
    const late = `${'x'.repeat(EXIT_CODE_SCAN_LIMIT + 10)} exit status=50`;
    assert.equal(readExitCode(late), undefined);
    const inputs = ['exit status'.repeat(500_000), `"ExitCode"${' '.repeat(1_000_000)}`, `exit status${' '.repeat(1_000_000)}=5`, '\\"ExitCode\\"'.repeat(300_000)];
    for (const input of inputs) {
      const started = process.hrtime.bigint();
      readExitCode(input);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(ms < 100, `${ms} ms`);
    }
  });

  it('knows AKS\'s bootstrap extension by its name and, when given, its type', () => {
    for (const name of ['vmssCSE', 'VMSSCSE', 'cse-agent-0', 'cse-agent-12', 'cse-master-0']) {
      assert.equal(isBootstrapExtension(name), true, name);
    }
    for (const type of ['Microsoft.Azure.Extensions.CustomScript', 'CustomScript', 'Microsoft.Compute.CustomScriptExtension', 'CustomScriptExtension', '']) {
      assert.equal(isBootstrapExtension('vmssCSE', type), true, type);
    }
    for (const name of ['AKSLinuxBilling', 'aks-linux-CSE', 'vmssCSE2', 'my-vmssCSE', 'cse-agent', 'cse-agent-x', 'cse-worker-0', '']) {
      assert.equal(isBootstrapExtension(name), false, name);
    }
    assert.equal(isBootstrapExtension('vmssCSE', 'Microsoft.Azure.Monitor.AzureMonitorLinuxAgent'), false);
  });

  it('reads the exit code of the bootstrap extension only', () => {
    assert.equal(extensionExitCode({ name: 'vmssCSE', type: 'Microsoft.Azure.Extensions.CustomScript', message: CSE_50 }), 50);
    assert.equal(extensionExitCode({ name: 'cse-agent-0', message: 'exit status=51' }), 51);
    assert.equal(extensionExitCode({ name: 'my-script', type: 'Microsoft.Azure.Extensions.CustomScript', message: CSE_50 }), undefined);
    assert.equal(extensionExitCode({ name: 'vmssCSE', message: 'no code here' }), undefined);
    assert.equal(extensionExitCode({ name: 'vmssCSE', exitCode: 52, message: CSE_50 }), 52, 'the backend\'s reading wins');
  });
});
