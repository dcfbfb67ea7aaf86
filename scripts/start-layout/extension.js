// Installed by `npm start` beside the real extension, never packaged with it: a first-time
// visitor should see the Nodes view and a log to hover, not an empty window with a narrow sidebar.
const vscode = require('vscode');

const run = (command) => vscode.commands.executeCommand(command).then(undefined, () => undefined);

exports.activate = async function activate() {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const log = vscode.Uri.joinPath(folder.uri, 'repair-events.log');
    await vscode.window.showTextDocument(log, { preview: true }).then(undefined, () => undefined);
  }
  // The secondary side bar (chat) would take the room the Nodes view needs.
  await run('workbench.action.closeAuxiliaryBar');
  // "Increase view width" widens the part that has focus: focus the Nodes view first. The default
  // sidebar (about 300 px) cuts node names short; each step widens it a little.
  await run('aksNodeRepair.nodes.focus');
  // The workbench lays itself out after start-up: let it settle before resizing.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await run('workbench.action.focusSideBar');
  for (let i = 0; i < 5; i++) {
    await run('workbench.action.increaseViewSize');
  }
};
