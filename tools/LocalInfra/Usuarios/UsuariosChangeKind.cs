namespace LocalInfra.Usuarios;

public enum UsuariosChangeKind
{
    Insert,
    Update,
    SoftDelete,
    HardDelete,
}
