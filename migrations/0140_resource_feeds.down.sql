DROP TABLE resource_change_counter;
DROP TABLE resource_changes;
DROP TABLE resource_subjects;
