-- name: insert_photo
-- A new photo of the case; the same digest again inserts nothing (the caller reads the row).
INSERT INTO case_photos (photo_id, case_id, content_type, size_bytes, width, height, digest,
                         key_id, nonce, ciphertext, uploaded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (case_id, digest) DO NOTHING
RETURNING photo_id;

-- name: get_photo_by_digest
SELECT photo_id, case_id, content_type, size_bytes, width, height, uploaded_by, uploaded_at
FROM case_photos
WHERE case_id = $1 AND digest = $2;

-- name: list_photos
SELECT photo_id, case_id, content_type, size_bytes, width, height, uploaded_by, uploaded_at
FROM case_photos
WHERE case_id = $1
ORDER BY uploaded_at, photo_id;

-- name: get_photo_sealed
SELECT photo_id, case_id, content_type, size_bytes, width, height, uploaded_by, uploaded_at,
       key_id, nonce, ciphertext
FROM case_photos
WHERE case_id = $1 AND photo_id = $2;

-- name: photo_exists
SELECT EXISTS (SELECT 1 FROM case_photos WHERE case_id = $1 AND photo_id = $2);
