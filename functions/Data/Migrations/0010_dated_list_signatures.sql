-- Dated list signatures (issue 23 item 4, docs/adr/0019-list-definition-replay-and-rotation.md): the time the operator
-- signed a definition and the v2 signature that covers it with the five fields, served with the definition so an
-- uploader can refuse one signed too long ago. NULL: signed before dates existed (uploaders from 0.2 refuse it until
-- it is signed again with 'lists sign' and published: a re-publish of the same content updates these two columns).
ALTER TABLE ingest.list_definitions ADD COLUMN signed_at timestamptz;
ALTER TABLE ingest.list_definitions ADD COLUMN signature_v2 text;
