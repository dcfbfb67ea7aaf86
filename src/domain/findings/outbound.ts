/** OutboundConnectivityNotEnabledOnVMSS: the cluster's outbound type and what it needs enabled. */
import * as l10n from '@vscode/l10n';
import type { Finding, RepairErrorSeen } from '../diagnosis';
import { shellQuote } from '../shellQuote';
import { guidanceIdFor } from './codes';
import { joinSentences, quoted, reported, unreadable, unreadableStep } from './evidence';
import type { Names } from './resourceNames';

function outboundStep(type: string | undefined, nodeResourceGroup: string | undefined): string {
  const rg = nodeResourceGroup ? quoted(nodeResourceGroup) : l10n.t('the node resource group');
  switch (type?.toLowerCase()) {
    case 'loadbalancer':
      return l10n.t('With a load balancer, egress needs the outbound rule of the "kubernetes" load balancer in {0} and the scale set in its backend pool; check both, and that no NSG rule blocks outbound 443.', rg);
    case 'managednatgateway':
    case 'userassignednatgateway':
      return l10n.t('With a NAT gateway, the node subnet must be associated with it; check the association and the gateway\'s public IPs.');
    case 'userdefinedrouting':
      return l10n.t('With user-defined routing, the node subnet\'s route table must send 0.0.0.0/0 to a firewall that allows the AKS egress endpoints; check the route and the firewall rules.');
    case 'none':
    case 'block':
      return l10n.t('Outbound type "{0}" gives the nodes no egress of their own: enable an outbound path (NAT gateway, load-balancer outbound rules, or a UDR through a firewall), or make sure everything the nodes need is reachable privately.', type ?? '');
    default:
      return l10n.t('Enable secure outbound access for the scale set: a NAT gateway, load-balancer outbound rules and backend pool, or a UDR through a firewall.');
  }
}

export function outboundFinding(names: Names, e: RepairErrorSeen): Finding {
  const code = 'OutboundConnectivityNotEnabledOnVMSS';
  const section = names.diagnosis.cluster;
  const cannot = unreadable(section, l10n.t('The cluster'));
  const type = names.cluster?.outboundType;
  const nodeRg = names.target?.resourceGroup ?? names.cluster?.nodeResourceGroup;
  const evidence = cannot ?? (type
    ? l10n.t('The cluster\'s outbound type is {0}.', quoted(type))
    : l10n.t('The cluster does not report an outbound type.'));
  const lbCommand = type?.toLowerCase() === 'loadbalancer' && nodeRg
    ? `az network lb outbound-rule list -g ${shellQuote(nodeRg)} --lb-name kubernetes -o table`
    : undefined;
  return {
    code,
    guidanceId: guidanceIdFor(code),
    severity: 'error',
    title: type ? l10n.t('The scale set has no outbound access (outbound type {0})', quoted(type)) : l10n.t('The scale set has no outbound access'),
    evidence: joinSentences(reported(e), evidence),
    nextStep: joinSentences(unreadableStep(section), outboundStep(type, nodeRg)),
    command: lbCommand ?? names.clusterShow('networkProfile.outboundType'),
  };
}
