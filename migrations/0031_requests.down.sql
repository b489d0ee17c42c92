DROP TABLE IF EXISTS systemuser_change_requests;
DROP TABLE IF EXISTS systemuser_requests;
