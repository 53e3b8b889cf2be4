from ipcity.orgs.tests.fixtures import entity, make_user, orgs, other_entity, users  # noqa: F401
