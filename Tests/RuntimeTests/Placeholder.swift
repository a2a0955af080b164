struct RuntimeSmoke {}
