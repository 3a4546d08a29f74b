# Certificates and the national training register arrive with their issues.
