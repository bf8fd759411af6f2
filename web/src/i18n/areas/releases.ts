import { addMessages } from '../index.js';

/** French messages of releases; a page that shows them imports this module, which waits for the visitor's language. */
export const releases = {
  'releases.none': "Aucune version publiée pour l'instant.",
  'releases.latest': 'Dernière version',
  'releases.prerelease': 'Pré-version',
  'releases.draft': 'Brouillon',
  'releases.assets': 'Fichiers',
  'releases.downloads': '{count} téléchargement(s)',
  'releases.sourceZip': 'Code source (zip)',
  'releases.sourceTarGz': 'Code source (tar.gz)',
  'releases.by': 'par {user}',
  'releases.feed': 'Flux Atom des versions',
  'releases.tagField': 'Étiquette',
  'releases.tagHelp': "Une étiquette existante, ou une nouvelle, créée sur la cible à la publication.",
  'releases.targetField': 'Cible de la nouvelle étiquette (branche ou commit)',
  'releases.titleField': 'Titre',
  'releases.notesField': 'Notes (Markdown)',
  'releases.generate': 'Générer les notes',
  'releases.generated': 'Notes générées à partir des demandes de fusion.',
  'releases.draftField': 'Brouillon (visible seulement des contributeurs)',
  'releases.prereleaseField': 'Pré-version',
  'releases.publish': 'Publier la version',
  'releases.save': 'Enregistrer',
  'releases.filesField': 'Fichiers à joindre',
  'releases.uploading': 'Envoi de {name} : {percent} %',
  'releases.delete': 'Supprimer la version',
  'releases.confirmDelete': "Oui, supprimer la version {title} (l'étiquette reste)",
  'releases.removeFile': 'Retirer {name}',
  'releases.kind': 'Statut de la version',
  'releases.all': 'Toutes les versions',
} as const;

await addMessages(releases, { en: () => import('./releases.en.js').then((module) => module.releases) });
