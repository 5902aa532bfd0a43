namespace FaceSorter.Storage.Sqlite;

/// <summary>
/// Migrations, applied in order; the index + 1 is the schema version. Never edit a shipped entry:
/// add a new one.
/// </summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE downloads(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_path TEXT NOT NULL,
            filename TEXT NOT NULL,
            file_hash TEXT,
            source TEXT,
            person_name TEXT,
            download_date TEXT NOT NULL,
            auto_sorted INTEGER NOT NULL,
            confidence REAL,
            reason TEXT);
        CREATE INDEX ix_downloads_hash ON downloads(file_hash);
        CREATE INDEX ix_downloads_date ON downloads(download_date);
        CREATE TABLE review_queue(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_path TEXT NOT NULL,
            category TEXT NOT NULL,
            file_hash TEXT,
            reason TEXT,
            faces_detected INTEGER NOT NULL DEFAULT 0,
            suggested_person TEXT,
            created_at TEXT NOT NULL,
            reviewed_at TEXT,
            reviewed_by TEXT,
            action TEXT NOT NULL DEFAULT 'pending',
            source TEXT,
            confidence REAL);
        CREATE INDEX ix_review_hash ON review_queue(file_hash);
        CREATE INDEX ix_review_action ON review_queue(action, category);
        CREATE TABLE contents(
            file_hash TEXT PRIMARY KEY,
            first_path TEXT NOT NULL,
            state TEXT NOT NULL,
            claimed_at TEXT NOT NULL);
        CREATE TABLE move_journal(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source_path TEXT NOT NULL,
            destination_path TEXT NOT NULL,
            outcome TEXT NOT NULL,
            state TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL,
            finished_at TEXT);
        CREATE INDEX ix_journal_state ON move_journal(state);
        CREATE TABLE held_files(
            file_path TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE settings(
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL);
        """,
        // 2: review by file manager (issue 5): corrections are counted as false sorts; downloads are
        // looked up by path when the user moves them.
        """
        CREATE TABLE corrections(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_hash TEXT,
            file_path TEXT NOT NULL,
            from_person TEXT,
            to_person TEXT,
            corrected_at TEXT NOT NULL);
        CREATE INDEX ix_corrections_date ON corrections(corrected_at);
        CREATE INDEX ix_downloads_path ON downloads(file_path);
        CREATE INDEX ix_review_path ON review_queue(file_path);
        """,
        // 3: learning from approvals (issue 5, part 7): the face of each approved content, as a named
        // reference for its person. An empty embedding means "looked, nothing to learn".
        """
        CREATE TABLE learned_faces(
            file_hash TEXT PRIMARY KEY,
            person_name TEXT NOT NULL,
            embedding BLOB NOT NULL,
            learned_at TEXT NOT NULL);
        """,
        // 4: Immich.AssignApprovals (issue 5, part 7): which approvals have been told to Immich, and how it went.
        """
        CREATE TABLE immich_assignments(
            file_hash TEXT PRIMARY KEY,
            person_name TEXT NOT NULL,
            outcome TEXT NOT NULL,
            assigned_at TEXT NOT NULL);
        """,
        // 5: companions (issue 9, part 2): sidecars (photo.jpg.xmp, clip.info.json) that travelled with
        // their owner; and the journal is looked up by drop-folder path when a sidecar comes after it.
        """
        CREATE TABLE companions(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_path TEXT NOT NULL,
            owner_path TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL);
        CREATE INDEX ix_companions_owner ON companions(owner_path);
        CREATE INDEX ix_companions_path ON companions(file_path);
        CREATE INDEX ix_journal_source ON move_journal(source_path);
        """,
        // 6: data that can move (issue 12, part 4): paths are stored relative to the configured folders
        // (docs/contracts.md, "Stored paths"); StoredPathsMigration rewrites the absolute ones after this
        // DDL. Content claims are re-pointed by path when a recorded file moves.
        """
        CREATE INDEX ix_contents_path ON contents(first_path);
        """,
        // 7: near duplicates (issue 14): each content's perceptual fingerprint and size in pixels
        // (docs/contracts.md, "Near duplicates"); a NULL width: not looked at yet. A near duplicate's
        // review row names the earlier copy it looks like.
        """
        ALTER TABLE contents ADD COLUMN fingerprint INTEGER;
        ALTER TABLE contents ADD COLUMN width INTEGER;
        ALTER TABLE contents ADD COLUMN height INTEGER;
        CREATE INDEX ix_contents_fingerprint ON contents(fingerprint);
        ALTER TABLE review_queue ADD COLUMN earlier_path TEXT;
        """,
        // 8: a near duplicate's earlier copy is followed when that copy moves (sorted out of the drop
        // folder, renamed in review), so the page and review list name where it is now.
        """
        CREATE INDEX ix_review_earlier ON review_queue(earlier_path) WHERE earlier_path IS NOT NULL;
        """,
    ];
}
