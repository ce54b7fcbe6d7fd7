-- The application's users, soft-deleted ones included: a row whose deleted_at is set travels as a change and is removed
-- centrally. updated_at is the cursor: the application sets it on every write (never NULL; see the README).
SELECT id, nome, cpf, email, telefone, updated_at, deleted_at
  FROM usuarios
