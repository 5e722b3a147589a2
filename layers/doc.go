// Package layers is the blueprint store: one GeoPackage holding every
// catalog layer, an in-memory spatial index and flat render geometry per
// layer, and the one door through which everything reads and writes the
// file.
//
// # Reading
//
// Query, Feature and FeatureByUID read features through the reader pool;
// Layer.Read hands out the in-memory render geometry. ReadBox reads the
// render geometry of one area without that index: the GeoPackage's R-tree
// (rtree_<table>_<geom>) names the features, and only their blobs are
// decoded, by the same decoder, into a Snapshot of the caller's (a table
// without an R-tree is scanned). A blueprint opened with OpenOptions.Lazy
// builds no index until something waits for one, so a one-off command that
// draws or reads one area pays only for that area. Scan reads features of
// one layer the same way (the R-tree for a box, else the table), with only
// the columns asked for, and needs no index either. Read runs SQL of
// Lantu's own tables (lantu_*) in one read transaction on the reader pool,
// and HasTable asks whether a table exists. Readers see the last committed
// state (WAL) and never wait for the writer.
//
// # Writing
//
// Every write to a blueprint goes through one writer connection and one
// lock (the Blueprint's writer lock), in explicit transactions:
//
//   - Apply writes local feature edits and their lantu_journal rows together.
//   - Bulk loads base data without journal rows.
//   - ApplyRemote writes changes that came from a remote (sync) with their
//     exchange versions, without journal rows, in the same transaction as
//     the remote's cursor that names them.
//   - Write runs a function in one transaction for Lantu's own tables
//     (conflicts, runs, reviews, proposals, reports, bookmarks) and the
//     QGIS tables layers/qgis writes (layer_styles, qgis_projects). Feature
//     tables are written only by the three above, since the journal and
//     the in-memory index follow only them.
//   - AckJournal and SetCursor move the sync marks.
//
// Each takes the writer lock, then SQLite's write lock on the file before
// its first statement. Another process holding the file's write lock is
// waited for (SQLite's busy timeout, retried for up to WriteLockWait), so
// two processes writing one blueprint queue instead of failing with
// "database is locked"; after that long the write fails with ErrBusy
// before doing anything. On a blueprint opened read-only (by option, file
// mode or a read-only folder) every write returns ErrReadOnly naming the
// file before doing any work. The writer lock is not reentrant: a function
// given to Write must not call another write method of the Blueprint.
//
// # Changes
//
// After each commit that changed features (Apply, Bulk, ApplyRemote) the
// functions registered with OnChange receive a ChangeSet naming the
// features per layer and whether the change was local or remote. They run
// on one goroutine of the Blueprint, in commit order, never under the
// writer lock, so a listener may read or write the blueprint. Changes made
// by another process are not heard.
//
// # Sync
//
// Journal reads local edits by id range for pushing; AckJournal records,
// per remote, how far the remote has acknowledged them, and JournalAcked
// reads it back. Cursor and SetCursor keep the remote's change-feed cursor
// per collection in lantu_sync_state; ApplyRemote moves it together with
// the changes it names, all or nothing.
//
// A Blueprint is safe for concurrent use by many goroutines.
package layers
