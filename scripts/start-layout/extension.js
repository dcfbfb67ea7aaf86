// Installed by `npm start` beside the real extension, never packaged with it: a first-time
// visitor should see the Nodes view and a log to hover, not an empty window with a narrow sidebar.
const vscode = require('vscode');

exports.activate = async function activate() {
  await vscode.commands.executeCommand('workbench.view.extension.aksNodeRepair');
  // The default sidebar (about 300 px) cuts node names short; each step widens it a little.
  for (let i = 0; i < 6; i++) {
    await vscode.commands.executeCommand('workbench.action.increaseViewWidth');
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const log = vscode.Uri.joinPath(folder.uri, 'repair-events.log');
    await vscode.window.showTextDocument(log, { preview: true, preserveFocus: true }).then(undefined, () => undefined);
  }
};
