DELETE FROM resources WHERE id = 'app_ttd_endring-av-navn-v2';
