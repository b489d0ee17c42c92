ALTER TABLE resource_policies DROP COLUMN obligations;
