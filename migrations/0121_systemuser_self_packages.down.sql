DROP TABLE IF EXISTS systemuser_self_packages;
