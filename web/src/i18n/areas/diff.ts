import { addMessages } from '../index.js';

/** French messages of the diff of a commit, a comparison or a pull request; a page that shows them imports this module, which waits for the visitor's language. */
export const diff = {
  'diff.summary': '{files}, {additions}, {deletions}',
  'diff.added': 'ajouté',
  'diff.deleted': 'supprimé',
  'diff.modified': 'modifié',
  'diff.renamed': 'renommé depuis {old}',
  'diff.counts': '{additions} lignes ajoutées, {deletions} lignes supprimées',
  'diff.binary': 'Fichier binaire : le contenu a changé.',
  'diff.tooLarge': 'Modification trop grande pour être affichée.',
  'diff.noContent': 'Aucun changement de contenu.',
  'diff.oldLine': 'Ancienne ligne',
  'diff.newLine': 'Nouvelle ligne',
  'diff.change': 'Changement',
  'diff.lineText': 'Contenu',
  'diff.lineAdded': 'ajoutée',
  'diff.lineDeleted': 'supprimée',
  'diff.none': 'Aucune modification.',
  'diff.layout': 'Affichage du diff',
  'diff.unified': 'Unifié',
  'diff.split': 'Côte à côte',
  'diff.fileList': 'Fichiers modifiés',
  'diff.oldText': 'Ancien contenu',
  'diff.newText': 'Nouveau contenu',
  'diff.expandRest': "Afficher la suite du fichier",
  'diff.expandFailed': "Les lignes du fichier n’ont pas pu être chargées.",
} as const;

await addMessages(diff, { en: () => import('./diff.en.js').then((module) => module.diff) });
