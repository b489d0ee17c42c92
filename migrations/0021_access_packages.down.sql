DROP TABLE IF EXISTS role_packages;
DROP TABLE IF EXISTS access_packages;
DROP TABLE IF EXISTS access_package_areas;
DROP TABLE IF EXISTS access_package_area_groups;
